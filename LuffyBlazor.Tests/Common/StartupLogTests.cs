using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LuffyBlazor.Tests.Common;

/// <summary>What the app writes to its log when it starts and when a learner pays.</summary>
public sealed class StartupLogTests
{
    [Fact]
    public void A_development_start_says_where_the_shop_the_back_office_and_the_simulator_are_but_never_the_password()
    {
        var logs = new CapturedLogs();
        using var sim = new SimulatorApp(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
            services => services.AddSingleton<ILoggerProvider>(logs), environmentName: "Development");

        var block = Assert.Single(logs.Entries, e => e.Category == StartupBanner.Category).Message;

        Assert.Contains($"shop               {sim.BaseUrl}/", block);
        Assert.Contains($"back office        {sim.BaseUrl}/admin, log in as \"{LuffyAppFactory.AdminUserName}\"; its password is Admin:Password in ", block);
        Assert.Contains($"Alipay simulator   {sim.BaseUrl}/dev/alipay/console", block);
        Assert.DoesNotContain(LuffyAppFactory.AdminPassword, block);
        Assert.DoesNotContain(LuffyAppFactory.AdminPassword, string.Join("\n", logs.Entries.Select(e => e.Message)));
    }

    [Fact]
    public void Outside_development_the_start_prints_no_block()
    {
        var logs = new CapturedLogs();
        using var sim = new SimulatorApp(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" }, services => services.AddSingleton<ILoggerProvider>(logs));

        Assert.DoesNotContain(logs.Entries, e => e.Category == StartupBanner.Category);
    }

    [Fact]
    public void The_development_admins_password_is_found_in_the_repositorys_settings_file()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions
        {
            EnvironmentName = "Development",
            ContentRootPath = Path.Combine(RepositoryPaths.Root, "LuffyBlazor"),
        });
        LuffyBlazor.Common.RepositorySettings.AddRepositoryDevelopmentSettings(builder);

        Assert.Equal(Path.Combine(RepositoryPaths.Root, "appsettings.Development.json"), StartupBanner.WhereSet(builder.Configuration, "Admin:Password"));
    }

    [Fact]
    public void A_password_from_an_environment_variable_is_said_to_be_there_and_an_unset_one_is_nowhere()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Admin:Password"] = "from-a-file" })
            .Add(new Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource { Prefix = "LUFFY_TEST_" })
            .Build();
        Environment.SetEnvironmentVariable("LUFFY_TEST_Admin__Password", "from-the-environment");
        try
        {
            configuration.Reload();
            Assert.Equal("an environment variable (Admin__Password)", StartupBanner.WhereSet(configuration, "Admin:Password"));
            Assert.Null(StartupBanner.WhereSet(configuration, "Admin:Email"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("LUFFY_TEST_Admin__Password", null);
        }
    }

    [Fact]
    public async Task A_payment_through_alipay_writes_no_http_client_lines_at_the_default_levels()
    {
        var logs = new CapturedLogs();
        // The app's own appsettings.json levels, as a server runs them (the tests otherwise log warnings only).
        using var sim = new SimulatorApp(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" }, services => services.AddSingleton<ILoggerProvider>(logs));
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 3);
        var before = logs.Entries.Count();

        (await Cashier.PayAsync(sim.Browser(), sim.PayUrl(order))).Dispose();
        await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);

        var payment = logs.Entries.Skip(before).ToList();
        Assert.DoesNotContain(payment, e => e.Category.StartsWith("System.Net.Http", StringComparison.Ordinal)
            || e.Category.StartsWith("Polly", StringComparison.Ordinal) || e.Category.StartsWith("Microsoft.Extensions.Http", StringComparison.Ordinal));
        Assert.True(payment.Count <= 2, "one payment, at most two lines:\n" + string.Join("\n", payment.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
    }
}
