using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Postern.Authority;
using Postern.Storage;

namespace Postern.Server.Web;

/// <summary>
/// ASP.NET Core's data-protection keys (behind the anti-forgery tokens) kept in Postern's store and
/// sealed with the key-encryption key, so that every instance shares them and none is on disk in clear.
/// </summary>
internal static class StoreDataProtection
{
    private const string Prefix = "/data_protection/";
    private const string SealContext = "postern/data-protection";

    public static void AddStoreDataProtection(this IServiceCollection services, IBackend store, KeyEncryptionKey kek)
    {
        services.AddSingleton(kek);
        services.AddDataProtection().SetApplicationName("postern");
        services.Configure<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new Repository(store);
            options.XmlEncryptor = new Encryptor(kek);
        });
    }

    private sealed class Repository(IBackend store) : IXmlRepository
    {
        // Data protection reads its key ring rarely (at start, then about once a day) and only synchronously.
        public IReadOnlyCollection<XElement> GetAllElements() =>
            store.RangeAsync(Prefix, CancellationToken.None).GetAwaiter().GetResult()
                .Select(item => XElement.Parse(Encoding.UTF8.GetString(item.Value.Span)))
                .ToList();

        public void StoreElement(XElement element, string friendlyName) =>
            store.PutAsync(Prefix + friendlyName, Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)), null, CancellationToken.None)
                .GetAwaiter().GetResult();
    }

    private sealed class Encryptor(KeyEncryptionKey kek) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            var sealedKey = kek.Seal(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), SealContext);
            return new EncryptedXmlInfo(new XElement("sealed", new XAttribute("kek", sealedKey.KekId), sealedKey.Ciphertext), typeof(Decryptor));
        }
    }

    /// <summary>Created by data protection itself, with the service provider.</summary>
    internal sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            var kek = services.GetRequiredService<KeyEncryptionKey>();
            var sealedKey = new SealedKey((string?)encryptedElement.Attribute("kek") ?? "", encryptedElement.Value);
            var plaintext = kek.Open(sealedKey, SealContext)
                ?? throw new InvalidOperationException("a stored data-protection key was sealed with another key-encryption key");
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
    }
}
