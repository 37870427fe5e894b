/** FORMAT_HELP is docker's --format help for list commands (flags.FormatHelp). */
export const FORMAT_HELP = `Format output using a custom template:
'table':            Print output in table format with column headers (default)
'table TEMPLATE':   Print output in table format using the given Go template
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

/** INSPECT_FORMAT_HELP is docker's --format help for inspect-style commands (flags.InspectFormatHelp). */
export const INSPECT_FORMAT_HELP = `Format output using a custom template:
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template.
Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates`;

/** PLATFORM_USAGE is docker's help for the --platform flags of save/load/history. */
export const platformUsage = (what: string): string => `${what} Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")`;
