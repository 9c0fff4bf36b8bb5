// Section 2: "Three message delivery services are defined: causal, agreed and safe."
namespace Evs.Reference.Model;

/// <summary>The delivery service a message is sent with.</summary>
public enum DeliveryService
{
    /// <summary>Causal order within a configuration (cbcast in Isis); Specification 5.</summary>
    Causal,

    /// <summary>Total order within a component; delivered once all predecessors are (abcast); Specification 6.</summary>
    Agreed,

    /// <summary>Agreed, and delivered only once every member has received it (all-stable abcast); Specification 7.</summary>
    Safe,
}

/// <summary>The spelling of a service in traces and scenarios: <c>causal</c>, <c>agreed</c>, <c>safe</c>.</summary>
public static class DeliveryServiceNames
{
    /// <summary>The lower-case name used in traces and scenarios.</summary>
    public static string ToName(this DeliveryService service) => service switch
    {
        DeliveryService.Causal => "causal",
        DeliveryService.Agreed => "agreed",
        DeliveryService.Safe => "safe",
        _ => throw new ArgumentOutOfRangeException(nameof(service)),
    };

    /// <summary>Parses a service name; false when it is none of the three.</summary>
    public static bool TryParse(string? name, out DeliveryService service)
    {
        switch (name)
        {
            case "causal": service = DeliveryService.Causal; return true;
            case "agreed": service = DeliveryService.Agreed; return true;
            case "safe": service = DeliveryService.Safe; return true;
            default: service = default; return false;
        }
    }
}
