// The plots draw two kinds of history the same way: the extended virtual synchrony trace
// (docs/TRACE.md: configurations regular and transitional, sends, deliveries, failures) and the
// virtual synchrony trace the filter of the paper's Section 5 makes of it (docs/VS-TRACE.md:
// views, sends, deliveries, stops; Figure 7 sets the two side by side). This file turns
// either into one neutral list of events, so every layout is written once.
using Evs.Reference.Model;
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Plots.Layout;

/// <summary>What a plotted event is.</summary>
public enum PlotEventKind
{
    /// <summary>deliver_conf_p(c), or a view event of virtual synchrony.</summary>
    ConfigurationChange,

    /// <summary>send_p(m, c), or cbcast/abcast.</summary>
    Send,

    /// <summary>deliver_p(m, c).</summary>
    Deliver,

    /// <summary>fail_p(c), or the stop of virtual synchrony.</summary>
    Fail,
}

/// <summary>
/// One event as the plots see it. <see cref="Configuration"/> is the configuration (or view) the
/// event belongs to; <see cref="Service"/> the delivery service's trace name (causal, agreed, safe,
/// or cbcast, abcast); <see cref="Members"/> and <see cref="Primary"/> are set on configuration changes;
/// <see cref="Text"/> is a message's text when the trace has it (docs/TRACE.md, <c>text</c>).
/// </summary>
public sealed record PlotEvent(
    string Process, long Index, double Time, PlotEventKind Kind,
    string Configuration, bool Transitional,
    string? Message = null, string? Service = null,
    IReadOnlyList<string>? Members = null, bool? Primary = null, string? Text = null)
{
    /// <summary>The most characters of a message's text a label shows.</summary>
    private const int LabelLength = 24;

    /// <summary>How the checker names the event: <c>p#3</c>.</summary>
    public string Witness => $"{Process}#{Index}";

    /// <summary>How a picture labels the message: its text in quotes when the trace has it (cut short), else its name (<c>p1.1.1</c>).</summary>
    public string? MessageLabel => Text is { } text
        ? "“" + (text.Length <= LabelLength ? text : text[..(LabelLength - 1)] + "…") + "”"
        : Message;
}

/// <summary>Turns traces into <see cref="PlotEvent"/>s, each process's events in its own order.</summary>
public static class PlotEvents
{
    /// <summary>The events of an extended virtual synchrony trace.</summary>
    public static IReadOnlyList<PlotEvent> Of(EvsTrace trace)
    {
        var transitional = trace.Events.OfType<DeliverConf>()
            .Where(c => c.Kind == ConfigurationKind.Transitional).Select(c => c.Conf).ToHashSet();
        return trace.Events.OrderBy(e => e.Process, ProcessId.Ordinal).ThenBy(e => e.Index).Select(e => e switch
        {
            DeliverConf c => new PlotEvent(c.Process.Name, c.Index, c.Time, PlotEventKind.ConfigurationChange, c.Conf.Name,
                c.Kind == ConfigurationKind.Transitional, Members: c.Members.Select(m => m.Name).ToList(), Primary: c.Primary),
            Send s => new PlotEvent(s.Process.Name, s.Index, s.Time, PlotEventKind.Send, s.Conf.Name, false, s.Message.Name, s.Service.ToName(), Text: s.Text),
            Deliver d => new PlotEvent(d.Process.Name, d.Index, d.Time, PlotEventKind.Deliver, d.Conf.Name,
                transitional.Contains(d.Conf), d.Message.Name, d.Service.ToName(), Text: d.Text),
            Fail f => new PlotEvent(f.Process.Name, f.Index, f.Time, PlotEventKind.Fail, f.Conf.Name, transitional.Contains(f.Conf)),
            _ => throw new ArgumentException($"unknown event {e}", nameof(trace)),
        }).ToList();
    }

    /// <summary>
    /// The events of a virtual synchrony trace. A view is drawn like a regular configuration;
    /// a send or delivery belongs to the last view before it at its process (docs/VS-TRACE.md).
    /// </summary>
    public static IReadOnlyList<PlotEvent> Of(VsTrace trace)
    {
        var events = new List<PlotEvent>();
        foreach (var process in trace.Events.GroupBy(e => e.Process).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string view = "";
            foreach (var e in process.OrderBy(e => e.Index))
            {
                if (e is ViewChange v) view = v.View;
                events.Add(e switch
                {
                    ViewChange c => new PlotEvent(c.Process, c.Index, c.Time, PlotEventKind.ConfigurationChange, c.View, false, Members: c.Members),
                    VsSend s => new PlotEvent(s.Process, s.Index, s.Time, PlotEventKind.Send, view, false, s.Message.Name, s.Service.ToName()),
                    VsDeliver d => new PlotEvent(d.Process, d.Index, d.Time, PlotEventKind.Deliver, view, false, d.Message.Name, d.Service.ToName()),
                    Stop s => new PlotEvent(s.Process, s.Index, s.Time, PlotEventKind.Fail, view, false),
                    _ => throw new ArgumentException($"unknown event {e}", nameof(trace)),
                });
            }
        }
        return events;
    }

    /// <summary>
    /// Without the uneventful messages: those sent in a configuration and delivered there, and only
    /// there, by every one of its members (the compact form of the terminal DeliveryDiagram). What
    /// is left is what the paper's figures are about: configuration changes, failures, and messages
    /// delivered in a transitional configuration or not by everyone.
    /// </summary>
    public static IReadOnlyList<PlotEvent> WithoutUneventful(IReadOnlyList<PlotEvent> events)
    {
        var members = events.Where(e => e.Kind == PlotEventKind.ConfigurationChange)
            .GroupBy(e => e.Configuration).ToDictionary(g => g.Key, g => g.First().Members!.ToHashSet());
        var sentIn = events.Where(e => e.Kind == PlotEventKind.Send).GroupBy(e => e.Message!).ToDictionary(g => g.Key, g => g.First().Configuration);
        var uneventful = events.Where(e => e.Kind == PlotEventKind.Deliver).GroupBy(e => e.Message!)
            .Where(d => sentIn.TryGetValue(d.Key, out var c) && members.TryGetValue(c, out var all)
                        && d.All(x => x.Configuration == c) && all.SetEquals(d.Select(x => x.Process)))
            .Select(d => d.Key).ToHashSet();
        return events.Where(e => e.Message is null || !uneventful.Contains(e.Message)).ToList();
    }
}
