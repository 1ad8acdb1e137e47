/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ingest-private.h: what the pipeline (ingest.c) offers the sources. */
#ifndef DISPO_INGEST_PRIVATE_H
#define DISPO_INGEST_PRIVATE_H

#include "ingest/ingest.h"

/* One message read from fd; file_time is the arrival fallback. */
bool ingest_fd_at(dispo_ingest *ing, int fd, dispo_time file_time, GError **error);
void ingest_count_file(dispo_ingest *ing, bool failed);
/* Takes back a file counted as read that then failed. */
void ingest_uncount_file(dispo_ingest *ing);
/* Names the file the next messages come from (recorded as import:PATH). */
void ingest_set_source(dispo_ingest *ing, const char *path);

#endif
