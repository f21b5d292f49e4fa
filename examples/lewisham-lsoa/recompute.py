#!/usr/bin/python3
"""Two-group residential segregation indices, foreign-born (born outside the UK)
vs UK-born, over the districts listed in a Lewisham Insight census-2011 country-
of-birth CSV (standard library only).

Usage: recompute.py [FILE]   (default: lbl_country_of_birth_lsoa11.csv next to this script)

  fb_i = Total - "Europe: United Kingdom: Total"   (born outside the UK; the
         Channel Islands and Isle of Man count as outside the UK, as in ONS tables)
  nb_i = "Europe: United Kingdom: Total"           (UK-born, incl. "GB/UK not otherwise specified")
  t_i  = Total                                     (= fb_i + nb_i, all usual residents)

  D    = 1/2 * sum_i |fb_i/FB - nb_i/NB|
  xPx  = sum_i (fb_i/FB) * (fb_i/t_i)     isolation of the foreign-born
  xPy  = sum_i (fb_i/FB) * (nb_i/t_i)     exposure of the foreign-born to the UK-born
  H    = sum_i t_i (E - E_i) / (T E),  E = -(p ln p + (1-p) ln(1-p))   Theil's entropy index
"""
import csv
import math
import os
import sys

TOTAL = "Total"
UK = "Europe: United Kingdom: Total"


def entropy(p):
    e = 0.0
    for q in (p, 1.0 - p):
        if q > 0.0:
            e -= q * math.log(q)
    return e


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "lbl_country_of_birth_lsoa11.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    idcol = next(iter(rows[0].keys()))          # LSOA11CD or WD22CD_proposed
    d = []
    for r in rows:
        t = int(r[TOTAL])
        nb = int(r[UK])
        d.append((r[idcol], t - nb, nb, t))
    FB = sum(x[1] for x in d)
    NB = sum(x[2] for x in d)
    T = sum(x[3] for x in d)
    assert FB + NB == T
    D = 0.5 * sum(abs(fb / FB - nb / NB) for _, fb, nb, _t in d)
    xPx = sum((fb / FB) * (fb / t) for _, fb, nb, t in d if t > 0)
    xPy = sum((fb / FB) * (nb / t) for _, fb, nb, t in d if t > 0)
    P = FB / T
    E = entropy(P)
    H = sum(t * (E - entropy(fb / t)) for _, fb, nb, t in d if t > 0) / (T * E)
    print("file                 :", os.path.basename(path))
    print("district id column   :", idcol)
    print("districts            :", len(d))
    print("total residents T    :", T)
    print("foreign-born FB      :", FB)
    print("UK-born NB           :", NB)
    print("city share P = FB/T  : %.6f" % P)
    print("min/max district share: %.6f / %.6f" % (min(fb / t for _, fb, _n, t in d),
                                                   max(fb / t for _, fb, _n, t in d)))
    print("dissimilarity D      : %.6f" % D)
    print("isolation xPx        : %.6f" % xPx)
    print("exposure xPy         : %.6f" % xPy)
    print("xPx + xPy            : %.6f" % (xPx + xPy))
    print("city entropy E       : %.6f" % E)
    print("Theil's H            : %.6f" % H)


if __name__ == "__main__":
    main()
