/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-rules.c: placeholder, being written. */
#include "config.h"

#include "cli/cli.h"

int
cli_rules(dispo_cli *cli, int argc, char **argv)
{
	cli_error(cli, "not written yet");
	return EX_SOFTWARE;
}
