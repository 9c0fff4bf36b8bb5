namespace Evs.Cli.Commands;
internal static class CheckCommand { public static System.CommandLine.Command Create() => new("check"); }
