/* SPDX-License-Identifier: GPL-3.0-or-later */
/* email.c: placeholder, being written. */
#include "config.h"
