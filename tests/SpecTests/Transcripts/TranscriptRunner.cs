// Runs a transcript (Transcript.cs: commands, "----", expected output) on a fresh Story and
// compares what each command did with what is written under it. Every mismatch is reported as a
// line diff, with the file and the command's line, so a change in the protocol's behaviour reads
// as a few changed lines of a conversation between processes.
//
// Rewrite mode: with the environment variable EVS_REWRITE_TRANSCRIPTS=1, the transcript tests
// write what each command actually did back into the files under tests/SpecTests/Transcripts/testdata
// (the source tree, not the copy next to the test assembly) instead of comparing, and pass. Then
// read the change (git diff) against the paper before committing it: the files are the expected
// behaviour, and a rewrite accepts whatever the protocol does now.
//
//   EVS_REWRITE_TRANSCRIPTS=1 dotnet test Evs.Reference.sln --filter "FullyQualifiedName~Transcript"
namespace SpecTests.Transcripts;

/// <summary>One command whose output is not the one written under it.</summary>
public sealed record TranscriptMismatch(TranscriptCommand Command, IReadOnlyList<string> Actual);

/// <summary>What running a transcript gave: every command's output, and the commands whose output differs from the file's.</summary>
public sealed record TranscriptRun(Transcript Transcript, IReadOnlyList<IReadOnlyList<string>> Outputs, IReadOnlyList<TranscriptMismatch> Mismatches)
{
    /// <summary>The file as it would be with the actual outputs written in.</summary>
    public string Rewritten => Transcript.Write(Outputs);
}

/// <summary>Runs transcripts and says how they differ from what they expect.</summary>
public static class TranscriptRunner
{
    /// <summary>The environment variable that turns the rewrite mode on.</summary>
    public const string RewriteVariable = "EVS_REWRITE_TRANSCRIPTS";

    /// <summary>Whether <paramref name="value"/>, the rewrite variable's value (null when unset), asks for the rewrite mode: only "1" or "true" do.</summary>
    public static bool RewriteRequested(string? value) => value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this test run rewrites the transcripts.</summary>
    public static bool Rewriting => RewriteRequested(Environment.GetEnvironmentVariable(RewriteVariable));

    /// <summary>Runs the transcript <paramref name="text"/> of the file <paramref name="name"/>, every command in order.</summary>
    public static TranscriptRun Run(string name, string text)
    {
        var transcript = Transcript.Parse(name, text);
        var story = new Story();
        var outputs = new List<IReadOnlyList<string>>();
        var mismatches = new List<TranscriptMismatch>();
        foreach (var command in transcript.Commands)
        {
            var actual = RunOne(story, transcript.Name, command);
            outputs.Add(actual);
            if (!actual.SequenceEqual(command.Expected)) mismatches.Add(new TranscriptMismatch(command, actual));
        }
        return new TranscriptRun(transcript, outputs, mismatches);
    }

    /// <summary>The report of a run's mismatches, a diff per command, or null when every output is as written.</summary>
    public static string? Report(TranscriptRun run)
    {
        if (run.Mismatches.Count == 0) return null;
        var lines = new List<string>();
        foreach (var mismatch in run.Mismatches)
        {
            lines.Add($"{run.Transcript.Name}:{mismatch.Command.Line}: {mismatch.Command.Text}");
            lines.Add("  output differs (- expected, + actual):");
            lines.AddRange(LineDiff.Of(mismatch.Command.Expected, mismatch.Actual).Select(line => "    " + line));
        }
        lines.Add($"If the new behaviour is right, set {RewriteVariable}=1 to write it into the file, and read the diff.");
        return string.Join("\n", lines);
    }

    /// <summary>
    /// Runs the transcript file <paramref name="path"/> (the copy next to the test assembly).
    /// Without the rewrite mode, throws a <see cref="TranscriptMismatchException"/> with the report
    /// when an output differs; with it, runs <paramref name="source"/> (the file in the source tree,
    /// which may have been edited since the build) and writes the actual outputs into it.
    /// </summary>
    public static void Verify(string path, string source, bool rewrite)
    {
        if (rewrite && !File.Exists(source))
            throw new FileNotFoundException($"{source} is gone from the source tree; its copy next to the test assembly is left from an earlier build", source);
        var run = Run(Path.GetFileName(path), File.ReadAllText(rewrite ? source : path));
        if (rewrite)
        {
            File.WriteAllText(source, run.Rewritten);
            return;
        }
        if (Report(run) is { } report) throw new TranscriptMismatchException(report);
    }

    private static IReadOnlyList<string> RunOne(Story story, string name, TranscriptCommand command)
    {
        try
        {
            return story.Run(command.Text);
        }
        catch (StoryException e)
        {
            throw new TranscriptException(name, command.Line, e.Message);
        }
        catch (Exception e)
        {
            throw new TranscriptException(name, command.Line, $"the protocol threw {e.GetType().Name}: {e.Message}", e);
        }
    }
}

/// <summary>A transcript whose outputs are not the ones it expects; the message is the diff.</summary>
public sealed class TranscriptMismatchException(string report) : Exception(report);
