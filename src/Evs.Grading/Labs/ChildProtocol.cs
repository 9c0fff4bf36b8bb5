// What the grader and its grading child say to each other. The student's code runs in a child
// process (Sandbox, SandboxChild), so that a loop that never ends, a stack overflow or running
// out of memory ends the child, not the grader. The grader writes one request line on the child's
// standard input; the child writes one JSON line on its standard output when a schedule starts
// and one when it has been judged. The grader therefore always knows which schedule was running
// when a child died, keeps the judgements that came before, and starts a new child at the next one.
using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Evs.Grading.Labs;

/// <summary>How to start a grading child: a program and the arguments that make it one (<c>evs lab grade-child</c>).</summary>
/// <param name="Program">The executable: the evs program itself, or the evs a test built.</param>
/// <param name="Arguments">The arguments before anything else: the hidden subcommand, and for <c>dotnet evs.dll</c> the assembly.</param>
public sealed record ChildCommand(string Program, ImmutableArray<string> Arguments)
{
    /// <summary>The words of the hidden subcommand that makes an evs a grading child.</summary>
    public static ImmutableArray<string> Subcommand { get; } = ["lab", "grade-child"];

    /// <summary>The grading child of the evs executable <paramref name="evs"/>: <c>evs lab grade-child</c>.</summary>
    public static ChildCommand Evs(string evs) => new(evs, Subcommand);
}

/// <summary>
/// The one line the grader writes to a child: the compiled library (image and symbols, so that
/// a stack trace names the student's file and line) and what to run.
/// </summary>
public sealed record ChildRequest(byte[] Image, byte[] Symbols, LabRequest Request);

/// <summary>One line a child writes: a schedule started, or it was judged.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "line")]
[JsonDerivedType(typeof(ScheduleStarted), "started")]
[JsonDerivedType(typeof(ScheduleJudged), "judged")]
public abstract record ChildLine(int Index);

/// <summary>
/// Schedule <paramref name="Index"/> starts (a negative index: a case played by hand does,
/// <see cref="HandCases.Of"/>): if the child dies now, this is the schedule it died on, and
/// <paramref name="Schedule"/> is what a student replays.
/// </summary>
public sealed record ScheduleStarted(int Index, Schedule? Schedule) : ChildLine(Index);

/// <summary>Schedule <paramref name="Index"/> was run and judged: one judgement per row it was judged by.</summary>
public sealed record ScheduleJudged(int Index, ImmutableArray<Judgement> Judgements) : ChildLine(Index);

/// <summary>One row's verdict on one schedule: held when <paramref name="Failure"/> is null.</summary>
public sealed record Judgement(string Spec, string? Failure);
