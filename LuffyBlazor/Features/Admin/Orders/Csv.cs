using System.Text;

namespace LuffyBlazor.Features.Admin.Orders;

/// <summary>
/// RFC 4180 CSV cells, safe to open in a spreadsheet: a cell holding a comma, quote or line break is quoted (quotes
/// doubled), and a cell a spreadsheet would run as a formula (starting with <c>= + - @</c>, or a tab or carriage
/// return that hides one) is prefixed with <c>'</c> so that it is shown as text (OWASP's advice on CSV injection).
/// </summary>
public static class Csv
{
    /// <summary>UTF-8's byte order mark: without it Excel reads the file in the local code page and garbles Chinese.</summary>
    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>One record: the cells joined by commas and ended with CRLF.</summary>
    public static string Line(params string?[] values)
    {
        var line = new StringBuilder();
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(Cell(values[i]));
        }

        return line.Append("\r\n").ToString();
    }
}
