using Azure.Identity;
using SemanticRouter.Storage.Azure;

namespace SemanticRouter.Storage.Tests;

public class StorageSettingsTests
{
    [Fact]
    public void UseDevelopmentStorage_expands_to_the_Azurite_account_and_default_ports()
    {
        var options = StorageAccountOptions.FromConnectionString("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", options.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), options.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), options.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), options.TableEndpoint);
        Assert.NotNull(options.AccountKey);
    }

    [Fact]
    public void Account_connection_string_derives_endpoints_from_name_protocol_and_suffix()
    {
        var options = StorageAccountOptions.FromConnectionString("DefaultEndpointsProtocol=https;AccountName=myacct;AccountKey=a2V5a2V5a2V5a2V5;EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://myacct.blob.core.chinacloudapi.cn"), options.BlobEndpoint);
        Assert.Equal(new Uri("https://myacct.queue.core.chinacloudapi.cn"), options.QueueEndpoint);
        Assert.Equal(new Uri("https://myacct.table.core.chinacloudapi.cn"), options.TableEndpoint);
        Assert.Equal("a2V5a2V5a2V5a2V5", options.AccountKey);
    }

    [Fact]
    public void Sas_connection_string_keeps_the_token_and_takes_the_account_from_the_endpoint()
    {
        var options = StorageAccountOptions.FromConnectionString("BlobEndpoint=https://myacct.blob.core.windows.net/;SharedAccessSignature=sv=2025-01-05&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig=abc%2Bdef%3D");

        Assert.Equal("myacct", options.AccountName);
        Assert.Null(options.QueueEndpoint);
        Assert.Equal("sv=2025-01-05&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig=abc%2Bdef%3D", options.SharedAccessSignature);
    }

    [Fact]
    public void Identity_settings_name_the_table_endpoint_or_derive_it_from_the_account_name()
    {
        var explicitTable = StorageSettings.FromSettings(name => name switch
        {
            "AzureWebJobsStorage__tableServiceUri" => "https://acct.table.core.windows.net",
            "AzureWebJobsStorage__credential" => "managedidentity",
            _ => null,
        });
        Assert.Equal(("acct", new Uri("https://acct.table.core.windows.net")), (explicitTable!.AccountName, explicitTable.TableEndpoint));
        Assert.Null(explicitTable.BlobEndpoint);
        using (var account = new StorageAccount(explicitTable))
        {
            Assert.True(account.HasTables);
            Assert.Equal("sessions", account.GetTableClient("sessions").Name);
        }

        var derived = StorageSettings.FromSettings(name => name == "AzureWebJobsStorage__accountName" ? "acct" : null);
        Assert.Equal(new Uri("https://acct.table.core.windows.net"), derived!.TableEndpoint);

        var blobOnly = StorageSettings.FromSettings(name => name == "AzureWebJobsStorage__blobServiceUri" ? "https://acct.blob.core.windows.net" : null);
        Assert.Null(blobOnly!.TableEndpoint);
        using var noTables = new StorageAccount(blobOnly);
        Assert.False(noTables.HasTables);
        Assert.Throws<InvalidOperationException>(() => noTables.GetTableClient("sessions"));
    }

    [Theory]
    [InlineData("AccountName=x")]
    [InlineData("AccountName=x;AccountKey=not base64!")]
    [InlineData("BlobEndpoint=ftp://x;AccountKey=a2V5")]
    [InlineData("justtext")]
    public void Malformed_connection_strings_are_rejected_without_echoing_secrets(string connectionString)
    {
        var error = Assert.ThrowsAny<FormatException>(() => StorageAccountOptions.FromConnectionString(connectionString));
        Assert.DoesNotContain("not base64!", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_never_print_their_key()
    {
        var options = StorageAccountOptions.FromConnectionString("UseDevelopmentStorage=true");

        Assert.DoesNotContain(options.AccountKey!, options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_configured_means_no_storage()
    {
        Assert.Null(StorageSettings.FromSettings(_ => null));
    }

    [Fact]
    public void Connection_string_setting_wins()
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true", ["AzureWebJobsStorage__blobServiceUri"] = "https://other.blob.core.windows.net" };

        var options = StorageSettings.FromSettings(settings.GetValueOrDefault);

        Assert.Equal("devstoreaccount1", options!.AccountName);
    }

    [Fact]
    public void Identity_based_settings_use_a_user_assigned_managed_identity()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage__blobServiceUri"] = "https://acct.blob.core.windows.net",
            ["AzureWebJobsStorage__queueServiceUri"] = "https://acct.queue.core.windows.net",
            ["AzureWebJobsStorage__credential"] = "managedidentity",
            ["AzureWebJobsStorage__clientId"] = "00000000-0000-0000-0000-000000000001",
        };

        var options = StorageSettings.FromSettings(settings.GetValueOrDefault);

        Assert.Equal("acct", options!.AccountName);
        Assert.Equal(new Uri("https://acct.queue.core.windows.net"), options.QueueEndpoint);
        Assert.IsType<ManagedIdentityCredential>(options.TokenCredential);
    }

    [Fact]
    public void Account_name_setting_derives_both_endpoints_and_colon_form_is_read_from_IConfiguration()
    {
        var settings = new Dictionary<string, string?> { ["Jobs:accountName"] = "acct2" };

        var options = StorageSettings.FromSettings(settings.GetValueOrDefault, "Jobs");

        Assert.Equal(new Uri("https://acct2.blob.core.windows.net"), options!.BlobEndpoint);
        Assert.Equal(new Uri("https://acct2.queue.core.windows.net"), options.QueueEndpoint);
        Assert.IsType<DefaultAzureCredential>(options.TokenCredential);
    }

    [Fact]
    public void Unknown_credential_kind_is_an_error()
    {
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage__accountName"] = "a", ["AzureWebJobsStorage__credential"] = "password" };

        Assert.Throws<InvalidOperationException>(() => StorageSettings.FromSettings(settings.GetValueOrDefault));
    }
}
