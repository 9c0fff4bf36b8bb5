// The runtime's membership warm-up (src/Evs.Runtime/MembershipWarmUp) compiles, early, the code a node
// otherwise runs first at its first partition or crash. It is worth its CPU only if its run goes
// down those paths: a transitional configuration with messages delivered in it (steps 4 and 6), a
// crash, a recovery from stable storage, and a primary component decided; and, being the protocol
// itself, it breaks no specification.
using Evs.Reference.Checking;
using Evs.Reference.Model;
using Evs.Runtime;
using Xunit;

namespace SpecTests.Runtime;

public class MembershipWarmUpTests
{
    [Fact]
    public void The_warm_up_run_goes_through_a_transitional_configuration_a_crash_and_a_recovery_and_breaks_no_specification()
    {
        var trace = MembershipWarmUp.Run().Trace;
        var events = trace.Events;

        var transitional = events.OfType<DeliverConf>().Where(c => c.Kind == ConfigurationKind.Transitional).Select(c => c.Conf).ToHashSet();
        Assert.Contains(events.OfType<Deliver>(), d => transitional.Contains(d.Conf));
        var failed = Assert.Single(events.OfType<Fail>());
        Assert.Contains(events.OfType<DeliverConf>(), c => c.Process == failed.Process && c.Index > failed.Index);
        Assert.Contains(events.OfType<DeliverConf>(), c => c.Primary == true);
        Assert.Contains(events.OfType<DeliverConf>(), c => c.Primary == false);
        var report = SpecificationChecker.Check(trace);
        Assert.True(report.AllPassed, string.Join(", ", report.FailedSpecs));
    }
}
