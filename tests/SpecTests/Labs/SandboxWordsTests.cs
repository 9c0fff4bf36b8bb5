// The words for a grading child that died (ChildEnding), read from what the runtime writes on its
// standard error before it dies; the lines below are copied from .NET 10's own output. No process
// is started here: SandboxTests makes real children die.
using Evs.Grading.Labs;
using Xunit;

namespace SpecTests.Labs;

public class SandboxWordsTests
{
    private static readonly string[] Lab1Classes = ["AruRule", "DeliveryRule"];

    [Fact]
    public void A_stack_overflow_names_the_students_method_that_repeated_not_a_frame_printed_before_it()
    {
        string[] errors =
        [
            "   at Evs.Reference.Ordering.DeliveryRule.MayDeliver(printed by the student)",
            "Stack overflow.",
            "Repeated 174482 times:",
            "--------------------------------",
            "   at Evs.Reference.Simulation.Helper.Step(Int64)",
            "   at Evs.Reference.Ordering.AruRule.Apply(Evs.Reference.Model.Token, Int64, Evs.Reference.Model.ProcessId)",
            "--------------------------------",
            "   at Evs.Reference.Node.TotemRing.Forward(Evs.Reference.Model.Token)",
        ];
        Assert.Equal("stack overflow in your AruRule.Apply (a recursion that never ends?)", ChildEnding.Describe(134, errors, Lab1Classes, 1024));
    }

    [Fact]
    public void A_stack_overflow_in_a_constructor_names_the_constructor()
    {
        string[] errors = ["Stack overflow.", "Repeated 1000 times:", "   at Evs.Reference.Recovery.Step6Delivery..ctor(Evs.Reference.Node.TotemRing)"];
        Assert.Equal("stack overflow in your Step6Delivery constructor (a recursion that never ends?)", ChildEnding.Describe(134, errors, ["Step6Delivery"], 1024));
    }

    [Fact]
    public void A_stack_overflow_with_none_of_the_students_classes_on_the_stack_says_only_that()
    {
        string[] errors = ["Stack overflow.", "Repeated 1000 times:", "   at Evs.Reference.Node.TotemRing.Forward(Evs.Reference.Model.Token)"];
        Assert.Equal("stack overflow (a recursion that never ends?)", ChildEnding.Describe(134, errors, Lab1Classes, 1024));
    }

    [Theory]
    [InlineData("Out of memory.")]
    [InlineData("Unhandled exception. System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.")]
    public void Running_out_of_memory_says_so_with_the_limit(string line)
    {
        Assert.Equal("it ran out of memory (the grading process may use 256 MB: does a collection grow without end?)",
            ChildEnding.Describe(134, [line], Lab1Classes, 256));
    }

    [Fact]
    public void An_exception_that_nothing_caught_on_a_thread_of_the_students_says_what_and_where()
    {
        string[] errors =
        [
            "Unhandled exception. System.InvalidOperationException: not on this ring",
            "   at Evs.Reference.Ordering.AruRule.<Apply>b__0_0()",
            "   at System.Threading.Thread.StartCallback()",
        ];
        Assert.Equal("an exception that nothing caught ended it: System.InvalidOperationException: not on this ring (in your AruRule.<Apply>b__0_0)",
            ChildEnding.Describe(134, errors, Lab1Classes, 1024));
    }

    [Fact]
    public void Any_other_end_gives_the_exit_code_and_the_last_line_written()
    {
        Assert.Equal("it ended with exit code 3: bye", ChildEnding.Describe(3, ["hello", "bye", ""], Lab1Classes, 1024));
        Assert.Equal("it ended with exit code 137", ChildEnding.Describe(137, [], Lab1Classes, 1024));
    }

    [Fact]
    public void A_schedule_past_its_time_limit_says_the_limit_and_what_usually_causes_it()
    {
        Assert.Equal("it did not finish within 60 s and was stopped (a loop that never ends?)", ChildEnding.TimedOut(TimeSpan.FromSeconds(60)));
    }
}
