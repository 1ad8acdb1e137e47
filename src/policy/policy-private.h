/* SPDX-License-Identifier: GPL-3.0-or-later */
/* policy-private.h: what the files of src/policy share and nobody else
 * sees: the facts filetype.c reads from a file's bytes for documents.c. */
#ifndef DISPO_POLICY_PRIVATE_H
#define DISPO_POLICY_PRIVATE_H

#include "policy/policy.h"

typedef struct policy_file_facts {
	const char *type;  /* pdf, jpeg, png, or NULL */
	char *description; /* for people */
	uint64_t size;
	const char *problem; /* pdf_damaged, pdf_encrypted, file_damaged or NULL */
	char *why;           /* one sentence when problem is set */
} policy_file_facts;

/* Types the file at path by its first bytes; with deep, also checks that a
 * PDF, JPEG or PNG is whole (and a PDF not encrypted). False when the file
 * cannot be read (f->description says so). */
bool policy_file_inspect(const char *path, bool deep, policy_file_facts *f);
void policy_facts_clear(policy_file_facts *f);

#endif
