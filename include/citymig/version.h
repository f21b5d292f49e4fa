/*
 * version.h - citymig's version, as --version, the workbook and the
 * package give it.
 */
#ifndef CITYMIG_VERSION_H
#define CITYMIG_VERSION_H

#define CITYMIG_VERSION "0.1.0"

#endif
