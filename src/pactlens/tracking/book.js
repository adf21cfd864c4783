(function(){
  function flash(el){
    el.classList.remove('flash'); void el.offsetWidth; el.classList.add('flash');
    clearTimeout(el.flashTimer);
    el.flashTimer = setTimeout(function(){ el.classList.remove('flash'); }, 1700);
  }
  document.addEventListener('click', function(ev){
    var link = ev.target.closest && ev.target.closest('a.quote-link, a.event-link');
    if (!link) return;
    var id = decodeURIComponent((link.getAttribute('href') || '').slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) return;
    ev.preventDefault();
    target.scrollIntoView({block: 'center', inline: 'nearest'});
    flash(target);
  });
})();
