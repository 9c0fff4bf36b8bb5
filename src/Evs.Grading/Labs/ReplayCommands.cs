// What `evs lab check` prints under a failing schedule: the commands that show the run again, for
// a student to paste. They must show what the student is debugging: for the filter lab (lab 4)
// that is the history after the virtual synchrony filter, which exists only when the run has a
// primary component algorithm and the filter (`--primary … --vs`), chosen by the seed as the
// grader chose them (GeneratedScenario.FilterAlgorithmOf); for the primary component lab (lab 7)
// it is the run with that algorithm (`--primary …`), whose regular configurations say whether they
// are primary. Kept apart from the command so that a test can read the lines without starting a
// grading run.
using Evs.Grading.Schedules;

namespace Evs.Grading.Labs;

/// <summary>The replay, reference and drawing commands for one failing schedule of one lab.</summary>
public static class ReplayCommands
{
    /// <summary>
    /// The three commands, one a line, for the schedule saved as <paramref name="scenarioFile"/>
    /// (as the student would type it, relative to where they run evs) with run seed <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<string> Lines(Lab lab, string scenarioFile, long seed)
    {
        bool filter = lab.Judge == Judge.VirtualSynchrony;
        string primary = lab.Judge is Judge.VirtualSynchrony or Judge.PrimaryComponent ? $" --primary {GeneratedScenario.FilterAlgorithmOf(seed)}" : "";
        return
        [
            $"your code on it:     evs lab check {lab.Number} --replay {scenarioFile} --replay-seed {seed} --trace t.jsonl",
            $"the reference on it: evs sim --scenario {scenarioFile} --seed {seed} --trace ref.jsonl{primary}{(filter ? " --vs-trace ref.vs.jsonl" : "")}",
            $"drawn:               evs demo --scenario {scenarioFile} --seed {seed}{primary}{(filter ? " --vs" : "")}",
        ];
    }
}
