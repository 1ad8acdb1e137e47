/* SPDX-License-Identifier: GPL-3.0-or-later */
/* letter.c: placeholder, being written. */
#include "config.h"
