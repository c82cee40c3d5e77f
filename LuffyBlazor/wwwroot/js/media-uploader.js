// media-uploader.js — the browser half of MediaUploader.razor. It reports the chosen file to .NET, then sends it
// where the server's ticket says: straight to Qiniu's upload host as a form (key, token, then the file last), or to
// this app's upload endpoint as the raw body. Progress goes back to .NET in whole percents.

export function init(input, dotnet) {
  const onChange = () => {
    const file = input.files && input.files[0];
    if (file) {
      dotnet.invokeMethodAsync('OnFileChosen', { name: file.name, size: file.size, type: file.type || '' });
    }
  };
  input.addEventListener('change', onChange);
  return { dispose: () => input.removeEventListener('change', onChange) };
}

export function upload(input, ticket, dotnet) {
  const file = input.files && input.files[0];
  if (!file) {
    return Promise.resolve({ status: 0, body: 'no file' });
  }

  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let reported = -1;
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      const percent = Math.min(100, Math.floor((e.loaded * 100) / e.total));
      if (percent !== reported) {
        reported = percent;
        dotnet.invokeMethodAsync('OnProgress', percent);
      }
    };
    const done = (status) => {
      input.value = ''; // the same file can be chosen again after a failure
      resolve({ status, body: xhr.responseText || '' });
    };
    xhr.onload = () => done(xhr.status);
    xhr.onerror = () => done(0);
    xhr.onabort = () => done(0);
    xhr.ontimeout = () => done(0);

    if (ticket.mode === 'qiniu') {
      const form = new FormData();
      form.append('key', ticket.key);
      form.append('token', ticket.token);
      // Sent with the type its name implies, which is what the token's mimeLimit allows.
      form.append('file', new File([file], file.name, { type: ticket.contentType }));
      xhr.open('POST', ticket.url);
      xhr.send(form);
    } else {
      xhr.open('PUT', ticket.url);
      xhr.setRequestHeader('X-Upload-Ticket', ticket.token);
      xhr.setRequestHeader('Content-Type', ticket.contentType);
      xhr.send(file);
    }
  });
}
