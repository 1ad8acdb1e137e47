/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dispo-employees.c: placeholder, being written. */
#include "config.h"

#include "cli/cli.h"

int
cli_employees(dispo_cli *cli, int argc, char **argv)
{
	cli_error(cli, "not written yet");
	return EX_SOFTWARE;
}
