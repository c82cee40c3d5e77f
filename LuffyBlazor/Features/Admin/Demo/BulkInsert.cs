using System.Data.Common;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace LuffyBlazor.Features.Admin.Demo;

/// <summary>
/// A prepared <c>INSERT</c> for one entity's table, executed once per row inside the caller's transaction: the
/// fastest way to load many rows into SQLite, and quick enough on PostgreSQL. Table and column names and value
/// conversions (money as fen, enums, UTC times) come from the EF model, so rows are stored as EF would store them.
/// </summary>
internal sealed class BulkInsert : IDisposable
{
    private readonly DbCommand command;
    private readonly DbParameter[] parameters;
    private readonly Func<object?, object?>[] converters;
    private readonly bool returnsId;

    private BulkInsert(DbCommand command, DbParameter[] parameters, Func<object?, object?>[] converters, bool returnsId)
    {
        this.command = command;
        this.parameters = parameters;
        this.converters = converters;
        this.returnsId = returnsId;
    }

    /// <param name="returnId">Answer the new row's generated <c>Id</c> from <see cref="Insert"/>.</param>
    /// <param name="properties">The properties given to <see cref="Insert"/>, in that order.</param>
    public static BulkInsert For<TEntity>(LuffyDbContext db, DbTransaction transaction, bool returnId, params string[] properties)
    {
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new ArgumentException($"{typeof(TEntity).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var mapped = properties.Select(name => entity.FindProperty(name) ?? throw new ArgumentException($"{entity.DisplayName()} has no property {name}.")).ToArray();

        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        var columns = string.Join(", ", mapped.Select(p => $"\"{p.GetColumnName(table)}\""));
        var names = string.Join(", ", mapped.Select((_, i) => $"@p{i}"));
        command.CommandText = $"INSERT INTO \"{table.Name}\" ({columns}) VALUES ({names})" + (returnId ? " RETURNING \"Id\"" : "");
        // The provider's own parameter for each column's store type (PostgreSQL prepares only typed parameters).
        var parameters = mapped.Select((p, i) =>
        {
            var parameter = p.GetRelationalTypeMapping().CreateParameter(command, $"p{i}", null, nullable: true);
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        var converters = mapped.Select(p => p.GetTypeMapping().Converter is { } converter
            ? (Func<object?, object?>)(v => v is null ? null : converter.ConvertToProvider(v))
            : v => v).ToArray();
        command.Prepare();
        return new BulkInsert(command, parameters, converters, returnId);
    }

    /// <summary>Inserts one row; answers its id when asked for, otherwise 0.</summary>
    public long Insert(params object?[] values)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i].Value = converters[i](values[i]) ?? DBNull.Value;
        }

        if (returnsId)
        {
            return Convert.ToInt64(command.ExecuteScalar());
        }

        command.ExecuteNonQuery();
        return 0;
    }

    public void Dispose() => command.Dispose();
}
