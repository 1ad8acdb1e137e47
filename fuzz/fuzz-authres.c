/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-authres.c: any bytes as an Authentication-Results value (read or
 * refused, and judged as the trusted host's verdict), as a Received: field
 * (read or refused, and as the trusted host's hop) and as a sender's
 * address (accepted or refused with reasons), never a crash. */
#include "config.h"

#include "policy/policy.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const dispo_limits limits = {.message_size = 1 << 20,
                                    .header_size = 64 << 10,
                                    .header_fields = 100,
                                    .parts = 10,
                                    .depth = 4,
                                    .text_size = 1 << 16};

static void
check_address(const char *text)
{
	static char *agencies[] = {"kuduskab.go.id", "jatengprov.go.id", NULL};
	GPtrArray *reasons = policy_reasons_new();
	char *ascii = NULL;
	bool ok = policy_address_check(text, agencies, &ascii, reasons);

	/* Accepted exactly when no reason was given, with an ASCII answer. */
	if (ok != (reasons->len == 0) || ok != (ascii != NULL) ||
	    (ascii && (!g_str_is_ascii(ascii) || !g_str_has_suffix(ascii, ".go.id"))))
		__builtin_trap();
	g_free(ascii);
	policy_address_check(text, NULL, NULL, NULL);
	g_ptr_array_unref(reasons);
}

/* The value as the only Authentication-Results field of a small message,
 * and the text as its From, through the whole sender check. */
static void
check_mail(const char *text)
{
	g_autofree char *line = g_strdup(text);
	g_autofree char *raw = NULL;
	dispo_mail *m;
	dispo_config config = {.require_authentication = true,
	                       .trusted_authserv_id = (char *)"mx.kuduskab.go.id"};

	g_strdelimit(line, "\r\n", ' ');
	raw = g_strdup_printf("Received: %s\nAuthentication-Results: %s\nReceived: from a by "
	                      "mx.kuduskab.go.id with ESMTP; x\nAuthentication-Results: %s\n"
	                      "From: %s\nSender: %s\nSubject: x\n\nbody\n",
	                      line, line, line, line, line);
	m = mime_mail_parse_data(raw, strlen(raw), &limits, NULL, NULL);
	if (m) {
		GPtrArray *reasons = policy_reasons_new();
		char *address = NULL;
		policy_sender_check(m, &config, &address, reasons);
		policy_auth_check(m, "budi@kuduskab.go.id", &config, reasons);
		policy_auth_check(m, NULL, &config, reasons);
		g_free(address);
		g_ptr_array_unref(reasons);
		mime_mail_free(m);
	}
}

/* What a Received: reading gives is lower-case host names, and a login
 * only beside a host that wrote it. */
static void
check_received(const char *text)
{
	dispo_received *r = policy_received_parse(text);

	if (r) {
		g_autofree char *lower = r->by ? g_ascii_strdown(r->by, -1) : NULL;
		if ((r->by && strcmp(lower, r->by) != 0) || (r->auth_sender && !r->by))
			__builtin_trap();
	}
	policy_received_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_strndup((const char *)data, size);
	dispo_authres *ar = policy_authres_parse(text);

	for (guint i = 0; ar && i < ar->results->len; i++) {
		const dispo_authres_result *r = ar->results->pdata[i];
		if (!r->method || !r->result)
			__builtin_trap();
		policy_authres_property(r, "header.d");
		policy_authres_property(r, "header.from");
	}
	policy_authres_free(ar);
	check_received(text);
	check_address(text);
	check_mail(text);
	g_free(text);
	return 0;
}
