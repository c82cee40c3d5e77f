using System.Globalization;
using LuffyBlazor.Data;

namespace LuffyBlazor.Features.Admin.Demo;

/// <summary><c>dotnet run --project LuffyBlazor -- seed-demo --orders 100000</c>: demo volume for the back office.</summary>
public static class SeedDemoCommand
{
    public const int DefaultOrders = 100_000;
    public const int MaxOrders = 10_000_000;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        var index = Array.IndexOf(args, "--orders");
        var orders = DefaultOrders;
        if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out orders)
                           || orders < 1 || orders > MaxOrders))
        {
            await Console.Error.WriteLineAsync($"--orders takes a number of orders from 1 to {MaxOrders:N0}.");
            return 2;
        }

        // The schema, the catalogue and the admin first, exactly as a start of the app would leave them.
        await services.InitializeDatabaseAsync();
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(orders, Console.WriteLine);
        return 0;
    }
}
