// How a grading child ended while a schedule ran, in words a student can act on. The runtime says
// what happened on the child's standard error before it dies: "Stack overflow." and then the frames
// that repeated, "Out of memory." or an OutOfMemoryException, "Unhandled exception." for an
// exception thrown on a thread of the student's own. The student's method is named when a frame
// is in one of the lab's classes (the runtime prints no file or line for a stack overflow).
using System.Text.RegularExpressions;

namespace Evs.Grading.Labs;

/// <summary>The words for a grading child's end.</summary>
public static partial class ChildEnding
{
    /// <summary>A schedule that ran past its time limit, and was stopped.</summary>
    public static string TimedOut(TimeSpan limit) =>
        $"it did not finish within {limit.TotalSeconds:N0} s and was stopped (a loop that never ends?)";

    /// <summary>
    /// A child that ended by itself with <paramref name="exitCode"/>, its standard error ending with
    /// <paramref name="errors"/>; <paramref name="studentClasses"/> are the simple names of the
    /// lab's classes (<c>AruRule</c>), <paramref name="memoryLimitMegabytes"/> the heap it had.
    /// </summary>
    public static string Describe(int exitCode, IReadOnlyList<string> errors, IReadOnlyCollection<string> studentClasses, int memoryLimitMegabytes)
    {
        int overflow = IndexOf(errors, "Stack overflow");
        if (overflow >= 0)
            return "stack overflow" + (StudentMethod(errors.Skip(overflow), studentClasses) is { } method ? $" in your {method}" : "") + " (a recursion that never ends?)";
        if (errors.Any(e => e.Contains("OutOfMemoryException", StringComparison.Ordinal) || e.StartsWith("Out of memory", StringComparison.Ordinal)))
            return $"it ran out of memory (the grading process may use {memoryLimitMegabytes:N0} MB: does a collection grow without end?)";
        int unhandled = IndexOf(errors, "Unhandled exception.");
        if (unhandled >= 0)
            return $"an exception that nothing caught ended it: {errors[unhandled]["Unhandled exception.".Length..].Trim()}" +
                   (StudentMethod(errors.Skip(unhandled), studentClasses) is { } thrower ? $" (in your {thrower})" : "");
        var last = errors.LastOrDefault(e => !string.IsNullOrWhiteSpace(e));
        return $"it ended with exit code {exitCode}{(last is null ? "" : $": {last.Trim()}")}";
    }

    private static int IndexOf(IReadOnlyList<string> errors, string start)
    {
        for (int i = 0; i < errors.Count; i++)
            if (errors[i].StartsWith(start, StringComparison.Ordinal)) return i;
        return -1;
    }

    // The first frame, "   at Evs.Reference.Ordering.AruRule.ReceivedByAll(Int64, Int64)", whose
    // class is one of the student's; for a stack overflow, the innermost frame that repeated.
    private static string? StudentMethod(IEnumerable<string> lines, IReadOnlyCollection<string> studentClasses)
    {
        foreach (var line in lines)
        {
            if (Frame().Match(line) is not { Success: true } frame) continue;
            var type = frame.Groups["type"].Value;
            var simple = type[(type.LastIndexOf('.') + 1)..].Split('+')[0];
            if (!studentClasses.Contains(simple)) continue;
            return frame.Groups["method"].Value switch
            {
                ".cctor" => $"{simple}'s static constructor",
                ".ctor" => $"{simple} constructor",
                var method => $"{simple}.{method}",
            };
        }
        return null;
    }

    [GeneratedRegex(@"^\s*at (?<type>.+?)\.(?<method>\.c?ctor|[^.(]+)\(")]
    private static partial Regex Frame();
}
