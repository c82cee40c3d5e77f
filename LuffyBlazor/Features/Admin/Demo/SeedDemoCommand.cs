using System.Globalization;
using LuffyBlazor.Data;

namespace LuffyBlazor.Features.Admin.Demo;

/// <summary><c>dotnet run --project LuffyBlazor -- seed-demo --orders 100000</c>: demo volume for the back office.</summary>
public static class SeedDemoCommand
{
    public const int DefaultOrders = 100_000;
    public const int MaxOrders = 10_000_000;

    /// <summary>Seeds the orders asked for, printing progress to <paramref name="output"/>; 2 (and nothing done) on a bad <c>--orders</c>.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output)
    {
        if (OrdersAsked(args) is not { } orders)
        {
            await output.WriteLineAsync($"--orders takes a number of orders from 1 to {MaxOrders:N0}.");
            return 2;
        }

        // The schema, the catalogue and the admin first, exactly as a start of the app would leave them.
        await services.InitializeDatabaseAsync();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(orders, output.WriteLine);
        return 0;
    }

    /// <summary>The number after <c>--orders</c> (<see cref="DefaultOrders"/> without one), or null unless it is a number from 1 to <see cref="MaxOrders"/>.</summary>
    public static int? OrdersAsked(IReadOnlyList<string> args)
    {
        var index = args.ToList().IndexOf("--orders");
        if (index < 0)
        {
            return DefaultOrders;
        }

        return index + 1 < args.Count && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var orders)
               && orders is >= 1 and <= MaxOrders
            ? orders
            : null;
    }
}
