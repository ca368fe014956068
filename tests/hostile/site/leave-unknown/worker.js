fetch('https://collector.nobody-catalogued.test/e?via=dedicated-worker', {method: 'POST', mode: 'no-cors', body: 'e=worker'});
