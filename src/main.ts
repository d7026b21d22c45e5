import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/styles/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app missing');
mount(App, { target });
