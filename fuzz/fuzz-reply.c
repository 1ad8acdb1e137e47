/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-reply.c: any bytes as a reply body: the visible text and the command
 * in it are found without a crash, and the results keep their promises. */
#include "config.h"

#include "reply/reply.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const words[] = {"SETUJU",  "APPROVE",    "TERUSKAN", "FORWARD", "TOLAK",
                                    "REJECT",  "KEMBALIKAN", "RETURN",   "CATATAN", "NOTE",
                                    "SELESAI", "DONE",       NULL};
static const char *const canon[] = {"approve", "approve", "forward", "forward", "reject",
                                    "reject",  "return",  "return",  "note",    "note",
                                    "done",    "done",    NULL};

static void
find(const char *text)
{
	char *command = NULL;
	char *argument = NULL;
	dispo_reply_status st = reply_command_find(text, words, canon, &command, &argument);

	/* a command comes with both outputs, anything else with neither */
	if ((st == DISPO_REPLY_COMMAND) != (command != NULL) ||
	    (st == DISPO_REPLY_COMMAND) != (argument != NULL))
		__builtin_trap();
	if (argument && !g_utf8_validate(argument, -1, NULL))
		__builtin_trap();
	g_free(command);
	g_free(argument);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_utf8_make_valid((const char *)data, (gssize)size);
	char *visible = reply_visible_text(text);

	/* the visible text is valid, trimmed, and never longer than the body */
	if (!g_utf8_validate(visible, -1, NULL) || strlen(visible) > strlen(text))
		__builtin_trap();
	if (*visible &&
	    (g_ascii_isspace(visible[0]) || g_ascii_isspace(visible[strlen(visible) - 1])))
		__builtin_trap();
	find(visible);
	find(text);
	g_free(visible);
	g_free(text);
	return 0;
}
