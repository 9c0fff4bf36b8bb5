// What a cell showed, as a notebook keeps it: the kernel reports events while a cell runs
// (console lines, displayed values, the cell's value, the failure); a .ipynb file keeps them as
// outputs of the cell — stream, display_data, execute_result, error — for any viewer to show.
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace Evs.Cli.Notebooks;

/// <summary>Turns a cell's kernel events into the outputs a notebook file keeps.</summary>
internal static class CellOutputs
{
    /// <summary>The outputs of the cell run <paramref name="executionOrder"/>-th, in the order the kernel produced them.</summary>
    public static IEnumerable<InteractiveDocumentOutputElement> From(IEnumerable<KernelEvent> events, int executionOrder)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    yield return new TextElement(Text(o.FormattedValues), "stdout");
                    break;
                case StandardErrorValueProduced o:
                    yield return new TextElement(Text(o.FormattedValues), "stderr");
                    break;
                case ReturnValueProduced r:
                    var value = new ReturnValueElement { ExecutionOrder = executionOrder };
                    foreach (var (mime, data) in Data(r.FormattedValues)) value.Data[mime] = data;
                    yield return value;
                    break;
                case DisplayEvent d:
                    yield return new DisplayElement(Data(d.FormattedValues));
                    break;
                case CommandFailed f:
                    // This constructor takes the error's text first, then its name (ename, evalue in the file).
                    yield return new ErrorElement(f.Message, f.Exception?.GetType().Name ?? "Error", []);
                    break;
            }
        }
    }

    private static string Text(IEnumerable<FormattedValue> values) => string.Concat(values.Select(v => v.Value));

    private static Dictionary<string, object> Data(IEnumerable<FormattedValue> values) =>
        values.GroupBy(v => v.MimeType).ToDictionary(g => g.Key, g => (object)g.First().Value);
}
