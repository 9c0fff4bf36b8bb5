// The `evs` command: the one door to the library for people — run a scenario in the
// simulator, check traces against the paper's specifications, show a demo, and measure the real runtime.
using System.CommandLine;
using Evs.Cli.Commands;
using Evs.Cli.Commands.Bench;

var root = new RootCommand("Evs.Reference: Extended Virtual Synchrony (Moser, Amir, Melliar-Smith, Agarwal, 1994) on a Totem ring.")
{
    SimCommand.Create(),
    CheckCommand.Create(),
    DemoCommand.Create(),
    LivenessCommand.Create(),
    BenchCommand.Create(),
    BenchNode.Create(),
};
return root.Parse(args).Invoke();
