#!/bin/sh
# pipeline.sh - citymig in a plain shell pipeline, no Makefile: the ten
# cities with the largest foreign-born share, from the long table.
#
#   sh examples/recipes/pipeline.sh data/wmr2015
#
# The long table is RFC 4180 CSV with CRLF line ends: tr drops the CR. The
# columns are area_id,year,base_year,kind,service,origin,indicator,value,...
# Values always use a decimal point: sort them under the C locale, or a
# decimal-comma locale (de_DE) reads 37.5 as 37.
set -eu
dataset=${1:-data/wmr2015}
citymig indicators "$dataset" --format csv |
    tr -d '\r' |
    awk -F, '$7 == "fb_share" && $8 != "" { print $8 "\t" $1 " " $2 }' |
    LC_ALL=C sort -rn |
    head -n 10
