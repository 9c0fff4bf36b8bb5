// The grading child's side of the sandbox (Sandbox.cs is the grader's): `evs lab grade-child`
// reads one request line, loads the student's compiled library into a load context of its own
// (GradingLoadContext) and runs LabRunner there, writing its lines to standard output. The
// student's code may print: Console.Out goes to standard error, where the grader keeps only the
// last lines, so that nothing the student writes is taken for a line of the protocol. It reads
// nothing from standard input but the request, and ends when that closes: the grader is gone.
using System.Text.Json;

namespace Evs.Grading.Labs;

/// <summary>Serves one grading request in this process.</summary>
public static class SandboxChild
{
    /// <summary>
    /// Reads a <see cref="ChildRequest"/> from <paramref name="input"/>'s first line, runs it and
    /// writes its <see cref="ChildLine"/>s to <paramref name="output"/>; returns the exit code:
    /// 0 when every schedule asked for ran, 2 when there was no request or it was not one.
    /// </summary>
    public static int Serve(TextReader input, Stream output)
    {
        if (input.ReadLine() is not { } line || Read(line) is not { } request)
        {
            Console.Error.WriteLine("no grading request on standard input: evs lab check starts this command and writes one (labs/README.md, \"How the grading works\")");
            return 2;
        }
        new Thread(() => EndWhenClosed(input)) { IsBackground = true, Name = "evs-lab-parent" }.Start();
        using var protocol = new StreamWriter(output) { AutoFlush = true };
        Console.SetOut(Console.Error);
        Console.SetIn(TextReader.Null);
        Run(request, protocol.WriteLine);
        return 0;
    }

    private static ChildRequest? Read(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<ChildRequest>(line) is { Image: not null, Symbols: not null, Request: not null } request ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The runner is called by name, with strings, because its types in the grading context are
    // not this context's types even though they come from the same file.
    private static void Run(ChildRequest request, Action<string> write)
    {
        var context = new GradingLoadContext(new CompiledLibrary(request.Image, request.Symbols, []));
        var run = context.Grading.GetType(typeof(LabRunner).FullName!, throwOnError: true)!.GetMethod(nameof(LabRunner.Run))!;
        run.Invoke(null, [JsonSerializer.Serialize(request.Request), write]);
    }

    // The grader kills a child it is done with; but if the grader itself is killed, the system
    // closes this standard input, and whatever the student's code is doing, this process ends too.
    private static void EndWhenClosed(TextReader input)
    {
        while (input.ReadLine() is not null)
        {
        }
        Environment.Exit(0);
    }
}
