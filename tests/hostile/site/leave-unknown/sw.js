self.addEventListener('message', () => {
  fetch('https://collector.nobody-catalogued.test/e?via=service-worker', {method: 'POST', mode: 'no-cors', body: 'e=sw'});
});
