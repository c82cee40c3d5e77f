using System.Security.Cryptography;
using LuffyBlazor.Data;
using LuffyBlazor.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Load;

/// <summary>
/// What the scenarios run against: freshly generated keys, a temporary database (a SQLite file, or a throwaway
/// PostgreSQL server), and one or more app instances sharing both, each reached through its own HTTP client.
/// </summary>
public sealed class LoadEnvironment : IAsyncDisposable
{
    public const string AppId = "2021000000000042";
    public const string WeChatMchId = "1900000109";
    public const string WeChatAppId = "wxd678efh567hg6787";
    public const string WeChatPublicKeyId = "PUB_KEY_ID_0119000001092026120300000000000001";

    /// <summary>"WeChat Pay's" platform key: signs the storm's WeChat notifies.</summary>
    public RSA WeChatPlatformKey { get; } = RSA.Create(2048);

    /// <summary>The APIv3 key the storm's WeChat notifies are encrypted with.</summary>
    public string WeChatApiV3Key { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private readonly List<AppUnderTest> instances = [];
    private ThrowawayPostgres? postgres;

    private LoadEnvironment(string folder, RSA alipayPrivateKey, string jwtKey)
    {
        Folder = folder;
        AlipayPrivateKey = alipayPrivateKey;
        JwtSigningKey = jwtKey;
    }

    public string Folder { get; }
    public RSA AlipayPrivateKey { get; }
    public string JwtSigningKey { get; }
    public string Provider { get; private set; } = DatabaseOptions.Sqlite;
    public string ConnectionString { get; private set; } = "";
    public IReadOnlyList<AppUnderTest> Instances => instances;
    public List<HttpClient> Clients { get; } = [];

    /// <summary>The settings the instances run with (commands run against the same environment take them too).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; private set; } = new Dictionary<string, string>();

    /// <summary>Where the app's WeChat Pay API calls go (Native orders, for the QR code page).</summary>
    public FakeWeChatNative WeChat { get; private set; } = null!;

    public TimeSpan CpuTime => instances.Aggregate(TimeSpan.Zero, (sum, i) => sum + i.CpuTime);

    public long WorkingSetBytes => instances.Sum(i => i.WorkingSetBytes);

    public static async Task<LoadEnvironment> StartAsync(
        string repositoryRoot, bool onPostgres, int instanceCount, int concurrency, IReadOnlyDictionary<string, string>? extraSettings = null,
        string environmentName = "Production")
    {
        var folder = Path.Combine(Path.GetTempPath(), "luffy-load", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        using var appKey = RSA.Create(2048);
        var alipayKey = RSA.Create(2048);
        await File.WriteAllTextAsync(Path.Combine(folder, "app_private_key.pem"), appKey.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(folder, "alipay_public_key.pem"), alipayKey.ExportSubjectPublicKeyInfoPem());
        // The other halves, for the Alipay simulator that Development settings turn on: start-up refuses a simulator
        // whose keys do not pair with the app's.
        await File.WriteAllTextAsync(Path.Combine(folder, "app_public_key.pem"), appKey.ExportSubjectPublicKeyInfoPem());
        await File.WriteAllTextAsync(Path.Combine(folder, "alipay_private_key.pem"), alipayKey.ExportPkcs8PrivateKeyPem());
        var environment = new LoadEnvironment(folder, alipayKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        environment.WeChat = FakeWeChatNative.Start(environment.WeChatPlatformKey);
        // WeChat Pay in public-key mode: the merchant's key signs requests, "WeChat's" key signs the storm's notifies.
        using var merchantKey = RSA.Create(2048);
        await File.WriteAllTextAsync(Path.Combine(folder, "wechatpay_merchant_private_key.pem"), merchantKey.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(folder, "wechatpay_platform_public_key.pem"), environment.WeChatPlatformKey.ExportSubjectPublicKeyInfoPem());

        if (onPostgres)
        {
            environment.postgres = await ThrowawayPostgres.StartAsync();
            environment.Provider = DatabaseOptions.Postgres;
            environment.ConnectionString = environment.postgres.ConnectionString("luffy_load", maxPoolSize: concurrency + 16);
        }
        else
        {
            environment.ConnectionString = $"Data Source={Path.Combine(folder, "luffy.db")}";
        }

        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = environment.Provider,
            ["ConnectionStrings:Default"] = environment.ConnectionString,
            ["Jwt:SigningKey"] = environment.JwtSigningKey,
            ["Alipay:AppId"] = AppId,
            ["Alipay:AppPrivateKeyPath"] = Path.Combine(folder, "app_private_key.pem"),
            ["Alipay:AlipayPublicKeyPath"] = Path.Combine(folder, "alipay_public_key.pem"),
            ["Alipay:Simulator:AppPublicKeyPath"] = Path.Combine(folder, "app_public_key.pem"),
            ["Alipay:Simulator:AlipayPrivateKeyPath"] = Path.Combine(folder, "alipay_private_key.pem"),
            // What start-up requires outside Development (the load test never calls out).
            ["Alipay:Gateway"] = "https://openapi-sandbox.dl.alipaydev.com/gateway.do",
            ["Alipay:NotifyUrl"] = "https://luffy.example.com/api/v1/order/success/",
            ["Alipay:ReturnUrl"] = "https://luffy.example.com/pay/success",
            ["WeChatPay:MchId"] = WeChatMchId,
            ["WeChatPay:AppId"] = WeChatAppId,
            ["WeChatPay:ApiV3Key"] = environment.WeChatApiV3Key,
            ["WeChatPay:MerchantSerialNo"] = "5A1B2C3D4E5F60718293A4B5C6D7E8F901234567",
            ["WeChatPay:MerchantPrivateKeyPath"] = Path.Combine(folder, "wechatpay_merchant_private_key.pem"),
            ["WeChatPay:PlatformPublicKeyId"] = WeChatPublicKeyId,
            ["WeChatPay:PlatformPublicKeyPath"] = Path.Combine(folder, "wechatpay_platform_public_key.pem"),
            ["WeChatPay:NotifyUrl"] = "https://luffy.example.com/api/v1/order/wechat/notify/",
            ["WeChatPay:BaseUrl"] = environment.WeChat.BaseUrl,
            ["Keys:Directory"] = Path.Combine(folder, "keys"),
            ["Storage:Local:Root"] = Path.Combine(folder, "media"),
            ["Storage:Local:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Security:HttpsRedirection"] = "false",
            ["Orders:SweeperEnabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        environment.Settings = settings;
        // One after the other: the first migrates and seeds, the others find the database ready.
        for (var i = 0; i < instanceCount; i++)
        {
            var instance = await AppUnderTest.StartAsync(repositoryRoot, settings, environmentName);
            environment.instances.Add(instance);
            environment.Clients.Add(new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = concurrency,
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            })
            {
                BaseAddress = new Uri(instance.BaseUrl),
                Timeout = TimeSpan.FromSeconds(30),
            });
        }

        return environment;
    }

    /// <summary>A context on the environment's database, for seeding and for the checks afterwards.</summary>
    public LuffyDbContext OpenDatabase() => Provider == DatabaseOptions.Postgres
        ? new PostgresLuffyDbContext(new DbContextOptionsBuilder<PostgresLuffyDbContext>().UseNpgsql(ConnectionString).Options)
        : new SqliteLuffyDbContext(new DbContextOptionsBuilder<SqliteLuffyDbContext>().UseSqlite(ConnectionString + ";Default Timeout=60").Options);

    /// <summary>The client of the instance that takes the i-th request (round robin, as a load balancer would).</summary>
    public HttpClient ClientFor(int i) => Clients[i % Clients.Count];

    public async ValueTask DisposeAsync()
    {
        Clients.ForEach(c => c.Dispose());
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }

        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }

        await WeChat.DisposeAsync();
        AlipayPrivateKey.Dispose();
        WeChatPlatformKey.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS's temp cleaning
        }
    }
}
