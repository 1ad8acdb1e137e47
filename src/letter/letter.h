/* SPDX-License-Identifier: GPL-3.0-or-later */
/* letter.h: placeholder, being written. */
#ifndef DISPO_LETTER_H
#define DISPO_LETTER_H
#include "lib/lib.h"
#endif
