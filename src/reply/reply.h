/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reply.h: placeholder, being written. */
#ifndef DISPO_REPLY_H
#define DISPO_REPLY_H
#include "lib/lib.h"
#endif
