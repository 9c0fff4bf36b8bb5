// `evs check`: the judge. Reads one or more traces (TRACE.md) as one history and decides
// every specification of the paper on it, naming the events that witness a violation.
using System.CommandLine;
using System.Text.Json;
using Evs.Reference.Checking;
using Evs.Reference.Tracing;

namespace Evs.Cli.Commands;

internal static class CheckCommand
{
    public static Command Create()
    {
        var traces = new Argument<FileInfo[]>("traces") { Description = "Trace files (TRACE.md); several files are read as one history.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print {\"specs\": {...}, \"violations\": [...]} instead of one line per specification." };
        var command = new Command("check", "Check traces against every specification of the paper (1.1-7.2, PC.1, PC.2). Exit 0: all pass; 1: a violation; 2: unreadable input.") { traces, json };
        command.SetAction(parse =>
        {
            Trace trace;
            try
            {
                trace = TraceReader.ReadFiles(parse.GetValue(traces)!.Select(f => f.FullName));
            }
            catch (TraceFormatException ex)
            {
                Console.Error.WriteLine($"unreadable trace: {ex.Message}");
                return ExitCodes.BadInput;
            }
            var report = SpecificationChecker.Check(trace);
            if (parse.GetValue(json)) PrintJson(report);
            else foreach (var line in Lines(report)) Console.WriteLine(line);
            return report.AllPassed ? ExitCodes.Ok : ExitCodes.Violation;
        });
        return command;
    }

    /// <summary>One line per specification: <c>Spec 7.1  pass</c> or <c>Spec 7.1  FAIL  p3#41: …</c>.</summary>
    public static IEnumerable<string> Lines(CheckReport report) =>
        report.Verdicts.Select(v => v.Violation is { } violation
            ? $"{"Spec " + v.Spec,-8}  FAIL  {string.Join(", ", violation.Events)}: {violation.Message}"
            : $"{"Spec " + v.Spec,-8}  pass");

    private static void PrintJson(CheckReport report)
    {
        using var stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
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
        w.WriteEndObject();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
