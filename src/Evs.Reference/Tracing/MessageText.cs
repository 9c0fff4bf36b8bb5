// docs/TRACE.md, the optional text of send and deliver: what a person typed, so that a class
// watching a demo reads "hello from p1" where the trace would otherwise say only p1.1.1. A payload
// is written as text only when it is text: valid UTF-8 with no control characters. Anything else
// (a binary payload, an application's own encoding) is left out rather than written garbled.
using System.Text;

namespace Evs.Reference.Tracing;

/// <summary>The <c>text</c> field: a payload that is a short line of text, as that text.</summary>
public static class MessageText
{
    /// <summary>The most characters written; a longer text is cut there and ends with "…".</summary>
    public const int MaxLength = 200;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary><paramref name="payload"/> as text, or null when it is not text (invalid UTF-8, or a control character in it).</summary>
    public static string? Of(ReadOnlySpan<byte> payload)
    {
        string text;
        try
        {
            text = Strict.GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        if (text.Any(char.IsControl)) return null;
        return text.Length <= MaxLength ? text : text[..(MaxLength - 1)] + "…";
    }
}
