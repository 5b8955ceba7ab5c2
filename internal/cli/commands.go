package cli

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// A mistyped command must fail (exit 2, with a suggestion), never print
// help and exit 0: cron and scripts would take that for success. Cobra
// checks this only at the root; guardGroups does it for every group
// (config, ledger, invoices, sandbox), and the help command does it for
// `nsrecon help TOPIC`.

// guardGroups makes every command that only groups subcommands reject an
// unknown subcommand, and show its help when given none.
func guardGroups(cmd *cobra.Command) {
	for _, sub := range cmd.Commands() {
		if sub.HasSubCommands() && sub.Run == nil && sub.RunE == nil {
			sub.Args = unknownSubcommand
			sub.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		}
		guardGroups(sub)
	}
}

// unknownSubcommand rejects any argument to a group: it can only be a
// subcommand cobra did not find.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return unknownCommandError(cmd, args[0])
}

// unknownCommandError names the command, the closest ones, and where to
// see them all.
func unknownCommandError(parent *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, parent.CommandPath())
	if parent.SuggestionsMinimumDistance <= 0 {
		parent.SuggestionsMinimumDistance = 2 // cobra's default, set only at the root
	}
	if s := parent.SuggestionsFor(name); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return usageErr(&FlagError{errors.New(msg)}, parent.CommandPath()+" --help")
}

// newHelpCmd is `nsrecon help [command]`: the command's help, or exit 2
// for a command that does not exist.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help provides help for any command: nsrecon help ledger show",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			parent, _, err := c.Root().Find(args)
			if err != nil || parent == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range parent.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name()+"\t"+sub.Short)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target := c.Root()
			for _, name := range args {
				next := findSub(target, name)
				if next == nil {
					return unknownCommandError(target, name)
				}
				target = next
			}
			return target.Help()
		},
	}
}

// findSub is parent's visible subcommand called name (or by an alias).
func findSub(parent *cobra.Command, name string) *cobra.Command {
	for _, sub := range parent.Commands() {
		if sub.Name() == name || sub.HasAlias(name) {
			return sub
		}
	}
	return nil
}

// completeWords completes a flag's value from a fixed list.
func completeWords(words ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	}
}

// registerCompletions completes the values of the flags that take one of a
// few words, and payout IDs for the ledger commands.
func registerCompletions(root *cobra.Command, f *Factory) {
	must := func(err error) {
		if err != nil {
			panic(err) // a flag renamed without its completion: a bug
		}
	}
	must(root.RegisterFlagCompletionFunc("log-level", completeWords("debug", "info", "warn", "error")))
	must(root.RegisterFlagCompletionFunc("log-format", completeWords("text", "json")))
	for path, words := range map[string][]string{
		"reconcile":        {"table", "json", "markdown"},
		"invoices sync":    {"table", "json"},
		"ledger":           ledgerFormats,
		"version":          {"text", "json"},
		"doctor":           {"table", "json"},
		"export":           slices.Sorted(maps.Keys(exportFormats)),
		"customers export": {"table", "json"},
	} {
		cmd, _, err := root.Find(strings.Fields(path))
		must(err)
		must(cmd.RegisterFlagCompletionFunc("format", completeWords(words...)))
	}
	for path, complete := range map[string]cobra.CompletionFunc{
		"ledger show":    f.completePayouts(nil),
		"ledger resolve": f.completePayouts(resolvable),
	} {
		cmd, _, err := root.Find(strings.Fields(path))
		must(err)
		cmd.ValidArgsFunction = complete
	}
}
