using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LuffyBlazor.Common;

/// <summary>How every database of the app stores money and time (the shop's and the simulator's alike).</summary>
public static class ModelConventions
{
    /// <summary>
    /// <c>decimal</c> is money: integer fen in the database, so SQLite sorts and sums it exactly. All timestamps are UTC:
    /// said so when they come back from a provider that forgets the kind.
    /// </summary>
    public static void UseMoneyAsFenAndUtcTimes(this ModelConfigurationBuilder conventions)
    {
        conventions.Properties<decimal>().HaveConversion<MoneyAsFenConverter>();
        conventions.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class MoneyAsFenConverter() : ValueConverter<decimal, long>(v => Money.ToFen(v), v => Money.FromFen(v));

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
