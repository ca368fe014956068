fetch('https://collector.nobody-catalogued.test/e?via=shared-worker', {method: 'POST', mode: 'no-cors', body: 'e=shared'});
