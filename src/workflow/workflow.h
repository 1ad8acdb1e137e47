/* SPDX-License-Identifier: GPL-3.0-or-later */
/* workflow.h: placeholder, being written. */
#ifndef DISPO_WORKFLOW_H
#define DISPO_WORKFLOW_H
#include "lib/lib.h"
#endif
