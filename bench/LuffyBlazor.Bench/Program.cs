using LuffyBlazor.Bench;

// dotnet run -c Release --project bench/LuffyBlazor.Bench -- alipay [BenchmarkDotNet options]
var command = args.FirstOrDefault() ?? "alipay";
var rest = args.Skip(1).ToArray();
switch (command)
{
    case "alipay":
        AlipayReport.Run(rest);
        break;
    default:
        Console.Error.WriteLine($"Unknown benchmark '{command}'. Benchmarks: alipay.");
        return 2;
}

return 0;
