# FindCSV: locate libcsv (it ships no pkg-config file).
#
# Defines the imported target CSV::CSV and CSV_VERSION (from csv.h).

find_path(CSV_INCLUDE_DIR NAMES csv.h)
find_library(CSV_LIBRARY NAMES csv)

if(CSV_INCLUDE_DIR AND EXISTS "${CSV_INCLUDE_DIR}/csv.h")
  file(STRINGS "${CSV_INCLUDE_DIR}/csv.h" _csv_defs REGEX "^#define CSV_(MAJOR|MINOR|RELEASE) ")
  foreach(_part MAJOR MINOR RELEASE)
    string(REGEX MATCH "CSV_${_part} ([0-9]+)" _m "${_csv_defs}")
    set(_csv_${_part} "${CMAKE_MATCH_1}")
  endforeach()
  set(CSV_VERSION "${_csv_MAJOR}.${_csv_MINOR}.${_csv_RELEASE}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CSV
  REQUIRED_VARS CSV_LIBRARY CSV_INCLUDE_DIR
  VERSION_VAR CSV_VERSION)

if(CSV_FOUND AND NOT TARGET CSV::CSV)
  add_library(CSV::CSV UNKNOWN IMPORTED)
  set_target_properties(CSV::CSV PROPERTIES
    IMPORTED_LOCATION "${CSV_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CSV_INCLUDE_DIR}")
endif()
mark_as_advanced(CSV_INCLUDE_DIR CSV_LIBRARY)
