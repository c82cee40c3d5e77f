using LuffyBlazor;
using LuffyBlazor.Common;

StartupRefusal.ExitCleanlyOnRefusal();
var builder = WebApplication.CreateBuilder(args);
builder.AddLuffy();

var app = builder.Build();
if (await app.RunCommandAsync(args))
{
    return;
}

await app.UseLuffyAsync();
app.Run();

/// <summary>Entry point, public so that tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
