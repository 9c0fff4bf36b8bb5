// The `evs` command: the one door to the library for people — run a scenario in the
// simulator, check traces against the paper's specifications, and show a demo.
using System.CommandLine;
using Evs.Cli.Commands;

var root = new RootCommand("Evs.Reference: Extended Virtual Synchrony (Moser, Amir, Melliar-Smith, Agarwal, 1994) on a Totem ring.")
{
    SimCommand.Create(),
    CheckCommand.Create(),
    DemoCommand.Create(),
    LivenessCommand.Create(),
    KeygenCommand.Create(),
};
return root.Parse(args).Invoke();
