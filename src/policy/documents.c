/* SPDX-License-Identifier: GPL-3.0-or-later */
/* documents.c: placeholder, being written. */
#include "config.h"
