using System.Globalization;

namespace LuffyBlazor.Common;

/// <summary>Cutting text for a column or a protocol's limit without breaking what a reader sees as one character.</summary>
public static class TextElements
{
    /// <summary>
    /// <paramref name="text"/> when it fits, otherwise its longest prefix of whole text elements (grapheme clusters: a
    /// letter and its accents, a surrogate pair, an emoji sequence) within <paramref name="maxLength"/> UTF-16
    /// characters, trailing whitespace removed. A PostgreSQL <c>varchar(n)</c> counts code points, never more than
    /// UTF-16 characters, so the result fits such a column too.
    /// </summary>
    public static string Fit(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        var length = 0;
        while (length < text.Length)
        {
            var next = StringInfo.GetNextTextElementLength(text.AsSpan(length));
            if (length + next > maxLength)
            {
                break;
            }

            length += next;
        }

        return text[..length].TrimEnd();
    }
}
