/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rules-private.h: what the rules module shares between its files. */
#ifndef DISPO_RULES_PRIVATE_H
#define DISPO_RULES_PRIVATE_H
#include "rules/rules.h"
#endif
