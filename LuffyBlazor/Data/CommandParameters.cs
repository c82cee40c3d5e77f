using System.Data.Common;

namespace LuffyBlazor.Data;

/// <summary>
/// For the few hand-written commands on hot write paths (the payment group's writes, the notify log's rows): adds a
/// parameter with a value and gives back its placeholder, so the SQL text never carries a value. The same
/// <c>@pN</c> names work on SQLite and PostgreSQL (Npgsql's ADO.NET layer accepts named parameters).
/// </summary>
internal delegate string CommandParameters(object? value);

internal static class CommandParametersExtensions
{
    /// <summary>A binder for <paramref name="command"/>: null goes in as <see cref="DBNull"/>.</summary>
    public static CommandParameters ParametersFor(this DbCommand command) => value =>
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@p" + command.Parameters.Count;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter.ParameterName;
    };
}
