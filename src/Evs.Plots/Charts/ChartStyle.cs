// One look for every chart of the project: which colour a delivery service has, how a
// regular and a transitional configuration differ, how the paper's "asserted" events stand out.
// Kept in one place so the space-time diagram, the delivery order and the ring agree.
using DynamicObj;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace Evs.Plots.Charts;

/// <summary>Colours, marker shapes and axes shared by the charts.</summary>
public static class ChartStyle
{
    /// <summary>The colour of a delivery service, by its trace name: causal and cbcast blue, agreed and abcast green, safe red.</summary>
    public static Color ServiceColor(string? service) => Color.fromHex(service switch
    {
        "causal" or "cbcast" => "#1f77b4",
        "agreed" or "abcast" => "#2ca02c",
        "safe" => "#d62728",
        _ => "#7f7f7f",
    });

    /// <summary>The order services are listed in a legend.</summary>
    public static IReadOnlyList<string> Services { get; } = ["causal", "agreed", "safe", "cbcast", "abcast"];

    /// <summary>A regular configuration: a solid dark bar.</summary>
    public static Color RegularColor { get; } = Color.fromHex("#34495e");

    /// <summary>A transitional configuration: a dashed amber bar.</summary>
    public static Color TransitionalColor { get; } = Color.fromHex("#e69f00");

    /// <summary>The paper's star for an event "asserted to exist": here, a highlighted event.</summary>
    public static Color HighlightColor { get; } = Color.fromHex("#ffd700");

    /// <summary>A process's vertical line.</summary>
    public static Color ProcessLineColor { get; } = Color.fromHex("#b0b0b0");

    /// <summary>
    /// An axis with its ticks at <paramref name="values"/> labelled <paramref name="labels"/> (process names
    /// over their columns). Plotly.NET's C# helpers have no tick texts, so the axis object's
    /// properties are set by their plotly.js names, as Plotly.NET's DynamicObj allows.
    /// </summary>
    public static LinearAxis LabelledAxis(IEnumerable<double> values, IEnumerable<string> labels, string side, (double From, double To)? range = null)
    {
        var axis = new LinearAxis();
        if (range is var (from, to)) axis.SetProperty("range", new[] { from, to });
        axis.SetProperty("tickvals", values.ToArray());
        axis.SetProperty("ticktext", labels.ToArray());
        axis.SetProperty("side", side);
        axis.SetProperty("showgrid", false);
        axis.SetProperty("zeroline", false);
        return axis;
    }

    /// <summary>
    /// A vertical axis running downwards, the way time runs in the paper's figures; with
    /// <paramref name="wholeNumbers"/>, one tick per whole number (positions, not measurements);
    /// with <paramref name="range"/>, opening on that stretch (top to bottom) rather than on everything.
    /// </summary>
    public static LinearAxis DownwardAxis(string title, bool wholeNumbers = false, (double Top, double Bottom)? range = null)
    {
        var axis = new LinearAxis();
        if (wholeNumbers) axis.SetProperty("dtick", 1);
        // A range given bottom first is drawn downwards, and plotly.js keeps an axis's direction when
        // the reader autoscales it; without a range, "reversed" autoranges downwards.
        if (range is var (top, bottom)) axis.SetProperty("range", new[] { bottom, top });
        else axis.SetProperty("autorange", "reversed");
        axis.SetProperty("title", Title.init(Text: title, null, null, null, null, null, null, null, null, null, null, null));
        axis.SetProperty("zeroline", false);
        return axis;
    }

    /// <summary>Hover shows only the hover text of a point (or its text, where it has none), which says everything about the event.</summary>
    public static GenericChart HoverTextOnly(GenericChart chart)
    {
        foreach (var trace in GenericChart.getTraces(chart)) trace.SetProperty("hoverinfo", "text");
        return chart;
    }

    /// <summary>
    /// Gives the (only) trace of <paramref name="chart"/> hover texts apart from the texts written
    /// beside its points; Plotly.NET's C# Scatter has no parameter for plotly.js's hovertext.
    /// </summary>
    public static GenericChart WithHoverTexts(GenericChart chart, IEnumerable<string> hover)
    {
        foreach (var trace in GenericChart.getTraces(chart)) trace.SetProperty("hovertext", hover.ToArray());
        return chart;
    }
}
