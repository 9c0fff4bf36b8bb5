// `evs check`: the judge. Reads one or more traces (docs/TRACE.md) as one history and decides
// every specification of the paper on it, each verdict beside the specification's one-line
// meaning, naming the events that witness a violation. With --vs it judges a virtual synchrony
// trace (docs/VS-TRACE.md), the filter's output of Section 5, against the conditions C1-C3 and
// L1-L5 of Section 4 instead. A trace it cannot read, or one cut short, is refused, not judged.
// An EVS trace is read line by line straight into the checker's compact form (CompactTrace), never
// whole into memory: a million events are judged in under two seconds (docs/CHECKER-SPEED.md).
// A trace whose messages carry group tags (docs/TRACE.md, "Groups") is then read whole once more and
// projected onto each named group, and every group is judged by the same specifications.
using System.CommandLine;
using System.Text.Json;
using Evs.Reference.Checking;
using Evs.Reference.Checking.VirtualSynchrony;
using Evs.Reference.Groups;
using Evs.Reference.Tracing;
using Evs.Runtime.Files;

namespace Evs.Cli.Commands;

internal static class CheckCommand
{
    public static Command Create()
    {
        var traces = new Argument<FileInfo[]>("traces") { Description = "Trace files (docs/TRACE.md, or docs/VS-TRACE.md with --vs); several files are read as one history.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print {\"specs\": {...}, \"violations\": [...]} instead of one line per specification." };
        var vs = new Option<bool>("--vs") { Description = "The traces are virtual synchrony traces (docs/VS-TRACE.md): check the conditions C1-C3 and L1-L5 of the paper's Section 4." };
        var command = new Command("check", "Check traces against every specification of the paper (1.1-7.2, PC.1, PC.2) and the rules of its model (M.1 recovery, M.2 transitional configurations), or with --vs against virtual synchrony (C1-C3, L1-L5). Exit 0: all pass; 1: a violation; 2: unreadable input.") { traces, json, vs };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(traces)!.Select(f => f.FullName);
            bool virtualSynchrony = parse.GetValue(vs);
            CheckReport report;
            IReadOnlyList<GroupReport> groups = [];
            try
            {
                if (virtualSynchrony) report = VirtualSynchronyChecker.Check(TraceFiles.ReadAllVs(paths));
                else
                {
                    var history = ReadCompact(paths);
                    report = SpecificationChecker.Check(history);
                    if (history.HasGroupTags) groups = GroupHistories.Check(TraceFiles.ReadAll(paths));
                }
            }
            catch (TraceFormatException ex)
            {
                Console.Error.WriteLine($"unreadable trace: {ex.Message}");
                return ExitCodes.BadInput;
            }
            if (parse.GetValue(json)) PrintJson(report, groups);
            else foreach (var line in (virtualSynchrony ? Lines(report, "VS ") : Lines(report).Concat(GroupLines(groups)))) Console.WriteLine(line);
            return report.AllPassed && groups.All(g => g.Report.AllPassed) ? ExitCodes.Ok : ExitCodes.Violation;
        });
        return command;
    }

    /// <summary>
    /// The files as one history (docs/TRACE.md: the first header is kept, quiescent only if every file
    /// is), each read through a stream with every check of <see cref="TraceReader"/>. A file that cannot
    /// be opened or read is reported as its line 0, as <see cref="TraceFiles"/> reports it.
    /// </summary>
    private static CompactTrace ReadCompact(IEnumerable<string> paths)
    {
        var history = new CompactTrace.Builder();
        foreach (var path in paths)
        {
            try
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
                history.Read(file, path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new TraceFormatException(path, 0, ex.Message);
            }
        }
        return history.Build();
    }

    /// <summary>
    /// One line per specification, with its one-line meaning (the specification's own
    /// <see cref="SpecVerdict.Title"/>, which <c>evs demo</c> shows too): <c>Spec 7.1  pass  A safe
    /// message …</c>; a violation adds a second line, under the meaning, with the witnesses and what
    /// they did: <c>p3#41: …</c>. For virtual synchrony (<paramref name="prefix"/> <c>"VS "</c>)
    /// <c>VS C1  pass  …</c>. The names are padded to the longest so the verdicts and meanings line up.
    /// </summary>
    public static IEnumerable<string> Lines(CheckReport report, string prefix = "Spec ")
    {
        int width = report.Verdicts.Max(v => (prefix + v.Spec).Length);
        string under = new(' ', width + "  FAIL  ".Length);
        foreach (var v in report.Verdicts)
        {
            string name = (prefix + v.Spec).PadRight(width);
            if (v.Violation is not { } violation)
            {
                yield return $"{name}  pass  {v.Title}";
                continue;
            }
            yield return $"{name}  FAIL  {v.Title}";
            yield return $"{under}{string.Join(", ", violation.Events)}: {violation.Message}";
        }
    }

    /// <summary>After the ring's lines, a block per group: a blank line, <c>group kv:</c>, and the group's verdicts as <see cref="Lines"/> writes them, indented.</summary>
    public static IEnumerable<string> GroupLines(IEnumerable<GroupReport> groups) =>
        groups.SelectMany(g => new[] { "", $"group {g.Group}:" }.Concat(Lines(g.Report).Select(line => "  " + line)));

    // {"specs":…,"violations":…}, and "groups":{"kv":{"specs":…,"violations":…}} when the trace has groups.
    private static void PrintJson(CheckReport report, IReadOnlyList<GroupReport> groups)
    {
        using var stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        WriteVerdicts(w, report);
        if (groups.Count > 0)
        {
            w.WriteStartObject("groups");
            foreach (var g in groups)
            {
                w.WriteStartObject(g.Group);
                WriteVerdicts(w, g.Report);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }

    private static void WriteVerdicts(Utf8JsonWriter w, CheckReport report)
    {
        w.WriteStartObject("specs");
        foreach (var v in report.Verdicts) w.WriteString(v.Spec, v.Passed ? "pass" : "fail");
        w.WriteEndObject();
        w.WriteStartArray("violations");
        foreach (var violation in report.Verdicts.Select(v => v.Violation).OfType<Violation>())
        {
            w.WriteStartObject();
            w.WriteString("spec", violation.Spec);
            w.WriteString("message", violation.Message);
            w.WriteStartArray("events");
            foreach (var e in violation.Events)
            {
                w.WriteStartArray();
                w.WriteStringValue(e.Process.Name);
                w.WriteNumberValue(e.Index);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
