using Microsoft.Data.Sqlite;

namespace LuffyBlazor.Tests.Infrastructure;

public static class SqliteTables
{
    /// <summary>The names of the tables in a SQLite file, sorted (read without pooling, so the file is left free).</summary>
    public static async Task<List<string>> OfAsync(string databaseFile)
    {
        await using var connection = new SqliteConnection($"Data Source={databaseFile};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
