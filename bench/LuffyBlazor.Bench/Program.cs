using LuffyBlazor.Bench;

// dotnet run -c Release --project bench/LuffyBlazor.Bench -- alipay [BenchmarkDotNet options]
// dotnet run -c Release --project bench/LuffyBlazor.Bench -- orders-grid [--orders 100000] [--db path] [--runs 15]
// dotnet run -c Release --project bench/LuffyBlazor.Bench -- sessions [--users 10000] [--checks 50000]
var command = args.FirstOrDefault() ?? "alipay";
var rest = args.Skip(1).ToArray();
switch (command)
{
    case "alipay":
        AlipayReport.Run(rest);
        break;
    case "orders-grid":
        await OrdersGridReport.RunAsync(rest);
        break;
    case "sessions":
        await SessionsReport.RunAsync(rest);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{command}'. Benchmarks: alipay, orders-grid, sessions.");
        return 2;
}

return 0;
